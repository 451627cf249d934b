resource "visage_deployment" "example" {
  name   = "face-prod"
  sku    = "S0"         # F0 or S0; changes in place
  region = "westeurope" # changing it (or name) replaces the deployment
}
