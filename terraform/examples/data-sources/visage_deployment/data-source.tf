data "visage_deployment" "existing" {
  name = "face-prod"
}

output "existing_endpoint" {
  value = data.visage_deployment.existing.endpoint
}
