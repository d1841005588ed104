"""TIM Console: a Flask + htmx admin console for Tencent Cloud IM.

This package module imports nothing: `import console.tim` (the IM client) and `import console.sandbox`
(the IM emulator) must not load the web stack. The console itself is built by
`console.app.create_app`; docs/architecture.md describes the parts and how they depend on each other.
"""
