// The token with that hash, whether its member still exists (a deleted member's tokens die with them), and the
// store's revision in the same read: a request's caches may trust it (one round trip for both).
OPTIONAL MATCH (s:GraphsvcMeta {key: 'store'})
OPTIONAL MATCH (t:GraphsvcToken {hash: $hash})
OPTIONAL MATCH (m:Member {id: t.member})
RETURN properties(t) AS token, m IS NOT NULL AS member, coalesce(s.revision, 0) AS revision
