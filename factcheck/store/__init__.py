"""The SQLite record (owns sqlite-utils): schema and migrations, writes of runs and checks, reads
of history, and row <-> model mapping. Takes models; gives models back.
"""
