"""Action kinds: what the journey does for the shop (tag, coupon, customer field, a note to the owner)."""
