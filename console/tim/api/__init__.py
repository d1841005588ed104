"""The client's namespaces, one module per seed module. Client attaches each as an attribute."""
NAMESPACES: dict[str, type] = {}
