"""AWS's error vocabulary for the Rekognition surface: each error's `code` is its `__type`.

They are `VisageError`s like every other domain error (a code, a message, a kind of failure), so
the rules raise them directly where the words are AWS's; `server/api/rekognition_errors.py` is the
one place that turns them, and every other error, into AWS's JSON form.

Statuses: AWS's JSON-protocol services answer client errors, authentication failures included,
with 400 (DynamoDB's and Rekognition's error pages; botocore reads `__type`, not the status), and
server errors with 500. Default messages are AWS's own where its documentation gives one.
"""

from __future__ import annotations

from server.errors import Kind, VisageError


class AwsError(VisageError):
    code = "InvalidParameterException"
    kind = Kind.INVALID


# authentication (Signature Version 4) -------------------------------------------------------

class MissingAuthenticationTokenException(AwsError):
    code = "MissingAuthenticationTokenException"
    message = "Missing Authentication Token"


class IncompleteSignatureException(AwsError):
    code = "IncompleteSignatureException"


class InvalidSignatureException(AwsError):
    code = "InvalidSignatureException"
    message = ("The request signature we calculated does not match the signature you provided. Check your AWS "
               "Secret Access Key and signing method. Consult the service documentation for details.")


class UnrecognizedClientException(AwsError):
    code = "UnrecognizedClientException"
    message = "The security token included in the request is invalid."


# the protocol -------------------------------------------------------------------------------

class UnknownOperationException(AwsError):
    code = "UnknownOperationException"


class SerializationException(AwsError):
    code = "SerializationException"


# Rekognition's own --------------------------------------------------------------------------

class InvalidParameterException(AwsError):
    code = "InvalidParameterException"
    message = "Request has invalid parameters."


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"


class ResourceAlreadyExistsException(AwsError):
    code = "ResourceAlreadyExistsException"


class InvalidS3ObjectException(AwsError):
    code = "InvalidS3ObjectException"
    message = "Unable to get object metadata from S3. Check object key, region and/or access permissions."


class ImageTooLargeException(AwsError):
    code = "ImageTooLargeException"
    message = "Image size is too large."


class InvalidImageFormatException(AwsError):
    code = "InvalidImageFormatException"
    message = "Request has invalid image format."


class VideoTooLargeException(AwsError):
    code = "VideoTooLargeException"


class InvalidPaginationTokenException(AwsError):
    code = "InvalidPaginationTokenException"
    message = "Invalid Token"


class IdempotentParameterMismatchException(AwsError):
    code = "IdempotentParameterMismatchException"
    message = "ClientRequestToken was already used with other parameters."


class LimitExceededException(AwsError):
    code = "LimitExceededException"


class ServiceQuotaExceededException(AwsError):
    code = "ServiceQuotaExceededException"


class ProvisionedThroughputExceededException(AwsError):
    code = "ProvisionedThroughputExceededException"
    message = "Provisioned Rate exceeded."


class AccessDeniedException(AwsError):
    code = "AccessDeniedException"


class InternalServerError(AwsError):
    code = "InternalServerError"
    kind = Kind.INTERNAL
    message = "Internal server error"
