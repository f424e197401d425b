variable "environment" {
  type    = string
  default = "prod"
}

variable "team" {
  type        = string
  description = "Owning team; no default, set per workspace"
}

variable "replicas" {
  type    = number
  default = 0
}

variable "common_tags" {
  type = map(string)
  default = {
    service = "checkout"
  }
}
