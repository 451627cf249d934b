"""`python -m terraform_provider_visage`: the same as the `terraform-provider-visage` command."""

import sys

from terraform_provider_visage.main import main

sys.exit(main())
