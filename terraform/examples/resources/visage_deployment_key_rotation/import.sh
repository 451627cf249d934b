# The import id is <deployment>/<key1|key2>. Importing regenerates nothing; `key` stays null.
terraform import visage_deployment_key_rotation.key2 face-prod/key2
