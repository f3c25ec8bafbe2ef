"""Lesson material: the props of one or a few notebooks (formulas, toy problems, recipes, exercises, figures).

A lesson module may import the core library (``ganedu.config``, ``ganedu.train``, ...) and the shared plotting of
``ganedu.interface.plot``; nothing in the core imports a lesson (``tests/test_layers.py``).
"""
