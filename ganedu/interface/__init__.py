"""The interface: what a learner touches: the live dashboard, shared figures, the setup banner, the command line.

It imports the core library; the core never imports it (``tests/test_layers.py``).
"""
