resource "visage_large_person_group" "staff" {
  deployment        = visage_deployment.example.name
  id                = "staff"
  name              = "Staff"
  user_data         = "People allowed in the building"
  recognition_model = "recognition_04" # the default is recognition_01; changing it replaces the group
}
