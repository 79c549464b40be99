"""Loans of kit to pupils: the inventory, lending and taking back, agreements with families."""
