# One Visage deployment with a large person group in it; outputs the endpoint to call.
# S0 by default: an F0 deployment may only detect (Azure's rule), so identifying against the group
# needs S0.
#
# It signs nothing up: give it the management token of an existing tenant, either as
# VISAGE_MANAGEMENT_TOKEN (and VISAGE_ENDPOINT) in the environment or as the variables below.

terraform {
  required_version = ">= 1.5"
  required_providers {
    visage = {
      source  = "visage/visage"
      version = "~> 0.1"
    }
  }
}

provider "visage" {
  endpoint = var.endpoint # null: VISAGE_ENDPOINT
  token    = var.token    # null: VISAGE_MANAGEMENT_TOKEN
}

resource "visage_deployment" "face" {
  name   = var.deployment_name
  sku    = var.sku
  region = var.region
}

resource "visage_large_person_group" "staff" {
  deployment        = visage_deployment.face.name
  id                = "staff"
  name              = "Staff"
  user_data         = "People allowed in the building"
  recognition_model = "recognition_04"

  lifecycle {
    # A deployment made again (say, in another region) starts empty: make the group again in it.
    replace_triggered_by = [visage_deployment.face.created_at]
  }
}

data "visage_tenant" "current" {}
