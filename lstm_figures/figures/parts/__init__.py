"""Building blocks the figures share; not figures themselves.

``grid`` places the cells of a layer × time grid, ``grid_links`` the arrows and bars between
them, ``grid_margins`` the names beside its rows, ``text`` titles and text sizes, ``tensors``
the tensor look-ups that follow ``batch_first``. Blocks used by one figure only are named after
it (``packed_grid``, ``gate_values``, ...).
"""
