print("tags benchmark")
