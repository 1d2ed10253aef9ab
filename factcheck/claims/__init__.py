"""claims.yaml in: safe YAML with line numbers, validation into a `ClaimsFile`, and a cache of
parsed files by content hash. Takes a path; gives validated `Claim` models or one line-numbered
message per problem.
"""
