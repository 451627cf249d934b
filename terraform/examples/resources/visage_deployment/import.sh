# The import id is the deployment's name. key1 and key2 stay null: Visage cannot show a key again.
terraform import visage_deployment.example face-prod
