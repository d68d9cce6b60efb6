// Revoke a token (a revoked one keeps its first revocation time); `was`: its revocation time before.
MATCH (t:GraphsvcToken {id: $id})
WITH t, t.revoked AS was
SET t.revoked = coalesce(t.revoked, $now)
RETURN properties(t) AS token, was
