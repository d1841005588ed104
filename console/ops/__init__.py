"""The app as a whole: the dashboard, the operations statistics and logs (`data` reads IM's
30-day figures), the connection settings, and /healthz for load balancers."""
