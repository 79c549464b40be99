"""Care packages and food parcels: requests, packing, delivery rounds and confirmation."""
