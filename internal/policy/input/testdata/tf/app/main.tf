locals {
  name = "checkout-${var.environment}"
  tags = merge(var.common_tags, {
    team = "payments"
  })
  bucket_arn = aws_s3_bucket.logs.arn
}

resource "aws_s3_bucket" "logs" {
  bucket = "${local.name}-logs"
  tags   = local.tags
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "s3:GetObject"
      Resource  = "${local.bucket_arn}/*"
    }]
  })
}

resource "aws_instance" "web" {
  provider      = aws.us
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.small"
  user_data     = file("${path.module}/init.sh")
  tags = {
    Name = local.name
  }

  root_block_device {
    volume_size = 50
    encrypted   = true
    kms_key_id  = aws_kms_key.disk.arn
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 100
  }

  dynamic "network_interface" {
    for_each = var.interfaces
    content {
      device_index = network_interface.key
    }
  }

  lifecycle {
    ignore_changes = [ami]
  }
}

resource "aws_instance" "canary" {
  count         = var.replicas
  ami           = "ami-0abcdef"
  instance_type = "t3.micro"
}

resource "google_storage_bucket" "media" {
  name                        = "acme-media"
  location                    = "EU"
  uniform_bucket_level_access = true
  labels = {
    team = "media"
  }
}

data "aws_ami" "ubuntu" {
  most_recent = true
}
