print("contacts-benchmark: not yet implemented")
