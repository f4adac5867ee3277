print("interop: not built yet")
