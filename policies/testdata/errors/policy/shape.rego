package shape

import rego.v1

deny contains {"message": "no msg key"} if input.metadata.name == "bad-shape"
