variable "endpoint" {
  description = "Visage's base URL, e.g. http://127.0.0.1:8080. Null: the VISAGE_ENDPOINT environment variable."
  type        = string
  default     = null
}

variable "token" {
  description = "The tenant's management token. Null: the VISAGE_MANAGEMENT_TOKEN environment variable."
  type        = string
  default     = null
  sensitive   = true
}

variable "deployment_name" {
  description = "The deployment's name: 1 to 64 letters, digits and hyphens."
  type        = string
  default     = "face-tf"
}

variable "sku" {
  description = "S0 (standard) or F0 (free); changes in place. F0 has no recognition, as on Azure: its keys may detect, but verify, identify, find-similar and group answer 403 UnsupportedFeature."
  type        = string
  default     = "S0"
}

variable "region" {
  description = "An Azure region with the Face service; changing it makes a new deployment."
  type        = string
  default     = "westeurope"
}
