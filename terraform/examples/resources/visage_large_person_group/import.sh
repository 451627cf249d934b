# The import id is <deployment>/<large person group id>.
terraform import visage_large_person_group.staff face-prod/staff
