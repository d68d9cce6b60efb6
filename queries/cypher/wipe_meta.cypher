// Tests only: zero the revision and the audit sequence.
MATCH (m:GraphsvcMeta)
WHERE m.key IN ['store', 'audit']
SET m.revision = CASE m.key WHEN 'store' THEN 0 ELSE m.revision END,
    m.seq = CASE m.key WHEN 'audit' THEN 0 ELSE m.seq END
