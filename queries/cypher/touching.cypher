// The accounts whose influence graph holds any of the nodes $ids (DESIGN.md section 2): the node's own
// account; accounts it INFLUENCES or sits in a committee of; and for members, the accounts they are
// ASSIGNED_TO and the accounts of what they COVER, KNOW or sit in.
UNWIND $ids AS id
MATCH (x:Entity {id: id})
CALL (x) {
  WITH x WHERE x:Account RETURN x.id AS account
  UNION
  WITH x WHERE x.account IS NOT NULL RETURN x.account AS account
  UNION
  MATCH (x)-[:INFLUENCES|MEMBER_OF]->(t) WHERE t.account IS NOT NULL RETURN t.account AS account
  UNION
  MATCH (x:Member)-[:COVERS|KNOWS|MEMBER_OF]->(t) WHERE t.account IS NOT NULL RETURN t.account AS account
  UNION
  MATCH (x:Member)-[:COVERS|KNOWS|MEMBER_OF]->()-[:INFLUENCES|MEMBER_OF]->(t)
  WHERE t.account IS NOT NULL RETURN t.account AS account
  UNION
  MATCH (x:Member)-[:ASSIGNED_TO]->(t) RETURN t.id AS account
}
RETURN DISTINCT account
