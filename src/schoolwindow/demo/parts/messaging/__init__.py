"""The demo's messaging with families over the last weeks (see part.py). It draws from the
context's generator after the roster, so it comes last of the parts that use `ctx.rng`."""
