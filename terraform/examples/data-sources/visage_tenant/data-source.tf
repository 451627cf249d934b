data "visage_tenant" "current" {}

output "recognition_allowed" {
  value = data.visage_tenant.current.approved # limited_access == "approved"
}
