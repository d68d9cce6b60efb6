CREATE (t:GraphsvcToken {
  id: $id, hash: $hash, member: $member, role: $role, created: $created, expires: $expires
})
