// The token with that hash, and whether its member still exists (a deleted member's tokens die with them).
MATCH (t:GraphsvcToken {hash: $hash})
OPTIONAL MATCH (m:Member {id: t.member})
RETURN properties(t) AS token, m IS NOT NULL AS member
