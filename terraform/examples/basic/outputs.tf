output "endpoint" {
  description = "The base URL to call /face/v1.2/... with a key."
  value       = visage_deployment.face.endpoint
}

output "key1" {
  description = "The deployment's first key (`terraform output -raw key1`). Null after an import."
  value       = visage_deployment.face.key1
  sensitive   = true
}

output "large_person_group_id" {
  value = visage_large_person_group.staff.id
}

output "limited_access" {
  description = "approved, pending_review or rejected: recognition needs approved."
  value       = data.visage_tenant.current.limited_access
}
