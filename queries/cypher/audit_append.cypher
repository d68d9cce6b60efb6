// Append one audit entry ($entry: its properties, before/after as JSON text), numbered by the audit
// sequence. Writes run this last, so the lock on the sequence node is held only until their commit:
// seq follows commit order, and a refused attempt logged meanwhile waits for a commit, not a whole import.
MERGE (s:GraphsvcMeta {key: 'audit'})
  ON CREATE SET s.seq = 0
SET s.seq = s.seq + 1
CREATE (e:AuditEntry)
SET e = $entry, e.seq = s.seq
RETURN e.seq AS seq
