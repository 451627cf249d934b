# Regenerates key2 on the first apply, and again whenever a trigger changes: edit `rotation` to rotate.
# (`formatdate("YYYY-MM", plantimestamp())` as a trigger would rotate on the first apply of each month.)
resource "visage_deployment_key_rotation" "key2" {
  deployment = visage_deployment.example.name
  key_name   = "key2"
  triggers = {
    rotation = "2025-06"
  }

  lifecycle {
    # A deployment made again has new keys: rotate again so that `key` is one of them.
    replace_triggered_by = [visage_deployment.example.created_at]
  }
}

output "key2" {
  value     = visage_deployment_key_rotation.key2.key
  sensitive = true
}
