"""The content-addressed cache in `cache/`: zstd-compressed bodies in pack files, written on a
background thread, pruned when unreferenced. Takes bodies; gives digests and the bodies back.
"""
