terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      environment = var.environment
      managed-by  = "terraform"
    }
  }
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"

  default_tags {
    tags = {
      team = var.team
    }
  }
}

provider "google" {
  project = "acme-prod"
  default_labels = {
    environment = "prod"
  }
}
