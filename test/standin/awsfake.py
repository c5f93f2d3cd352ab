#!/usr/bin/python3
"""awsfake.py -- server and verification library shared by the loopback AWS fakes of the rds_copy tests.

Imported by rds_standin.py (the RDS Query API stand-in) and fake_credentials.py (fake IMDS, container
credentials and STS); not a program of its own. Only the Python standard library and Debian's
python3-botocore are used; every expected signature is computed by botocore itself.

What lives in this file, top to bottom:
  * constants: the test account, the static test credentials, common Query-API errors -> HTTP status
  * AwsError (an ErrorResponse to send), clocks and timestamps
  * temporary credentials: any AKIDTEMP... key is known, its secret and token derived from the key
    (temporary_credential; fake_credentials.py issues such keys, rds_standin.py accepts them)
  * SigV4 verification of an Authorization header (verify_sigv4, any service) and of the signature of a
    pre-signed URL (split_presigned_url, check_presign_signature: SigV4 in the query string)
  * Query-API request parsing: form bodies (parse_form, lenient_params), the claimed credential scope
  * Query-API XML: <Action>Response trees, ErrorResponse documents, Reply (what a handler sends)
  * JsonlJournal: a <state-dir>/<name>.jsonl journal, one JSON object a line
  * BaseHandler: HTTP/1.1 plumbing (TLS handshake in the handler thread, bodies, delayed, dripped,
    chunked and reset replies, JSON replies) and the control-endpoint dispatcher (serve_control)
  * AwsFakeServer (ThreadingHTTPServer, TLS unless no context is given, loopback only), loopback_host,
    write_ready_file (atomic), server_tls_context, serve_until_signalled (clean SIGTERM / SIGINT)

Secrets (secret keys, session tokens, Authorization values) are never logged, journaled or returned.
"""

import argparse
import dataclasses
import datetime
import hashlib
import hmac
import http.server
import ipaddress
import json
import os
import re
import select
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import namedtuple
from urllib.parse import parse_qsl, unquote, urlsplit

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# ------------------------------------------------------------------------------------------------
# Constants

ACCOUNT = '123456789012'
DEFAULT_SERVICE = 'rds'
FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'
AMZ_DATE_FORMAT = '%Y%m%dT%H%M%SZ'
MAX_BODY_BYTES = 1024 * 1024

Credential = namedtuple('Credential', 'secret token')
CREDENTIALS = {
    'AKIDEXAMPLE': Credential('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', None),
    'AKIDSESSIONEXAMPLE': Credential('sessionsecret/EXAMPLE+KEY', 'FAKESESSIONTOKEN/abc+def=='),
    'AKIDOTHER': Credential('otherSecretKeyEXAMPLE', None),
}

TEMP_KEY_RE = re.compile(r'AKIDTEMP[0-9A-Z]{8,}')

# HTTP status of the common Query-API errors these fakes send. Source: the AWS "Common Errors" list as
# transcribed in /work/shared/reference/aws-rds-facts.md section 8 (MissingAuthenticationToken 403,
# InvalidClientTokenId 403, SignatureDoesNotMatch 403, IncompleteSignature 400, RequestExpired 400,
# InternalFailure 500, ServiceUnavailable 503; anything not listed here is 400).
ERROR_STATUS = {
    'MissingAuthenticationToken': 403,
    'InvalidClientTokenId': 403,
    'SignatureDoesNotMatch': 403,
    # AccessDenied / AccessDeniedException and ExpiredToken(Exception): 403, as the AWS "Common Errors"
    # page of the service API references lists them (e.g. the EC2 API Reference, Common Error Types:
    # "AccessDeniedException ... HTTP Status Code: 403", "ExpiredTokenException ... The security token
    # included in the request has expired ... HTTP Status Code: 403"; the AWS Management Console
    # guide's Common Errors page says the same).  STS's Query API names the code ExpiredToken
    # (botocore's sts service model, ExpiredTokenException's error code), which this stand-in sends.
    'AccessDenied': 403,
    'AccessDeniedException': 403,
    'ExpiredToken': 403,
    'ExpiredTokenException': 403,
    'MissingContentLength': 411,
    'RequestEntityTooLarge': 413,
    'InternalFailure': 500,
    'ServiceUnavailable': 503,
}

SIGNATURE_MISMATCH = ('The request signature we calculated does not match the signature you provided. '
                      'Check your AWS Secret Access Key and signing method. '
                      'Consult the service documentation for details.')
INVALID_TOKEN = 'The security token included in the request is invalid.'

AUTH_RE = re.compile(r'AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),'
                     r'\s*Signature=([0-9a-f]{64})')
REGION_RE = re.compile(r'[a-z]{2}(-[a-z]+)+-[0-9]+')
XML_INVALID_CHAR_RE = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


# ------------------------------------------------------------------------------------------------
# Errors, clocks

class AwsError(Exception):
    """An AWS error reply: ErrorResponse (Query API) with this code, message and HTTP status.

    Without an explicit status, the status comes from the class's STATUS table (a service module
    subclasses AwsError with its own faults added), else 400.
    """
    STATUS = ERROR_STATUS

    def __init__(self, code, message, status=None):
        super().__init__(f'{code}: {message}')
        self.code = code
        self.message = message
        self.status = status or self.STATUS.get(code, 400)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def iso_ms(moment):
    """ISO 8601 UTC with milliseconds and Z, as RDS prints timestamps."""
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + f'{moment.microsecond // 1000:03d}Z'


# ------------------------------------------------------------------------------------------------
# SigV4 verification (expected signatures always come from botocore)

ParsedAuth = namedtuple('ParsedAuth', 'access_key date region service signed_headers signature')
AuthInfo = namedtuple('AuthInfo', 'access_key region signed_headers')
Computed = namedtuple('Computed', 'signature canonical_request string_to_sign signed_headers')


def header_multimap(header_pairs):
    """[(name, value), ...] -> {lowercase name: [values in order]}"""
    headers = {}
    for name, value in header_pairs:
        headers.setdefault(name.lower(), []).append(value)
    return headers


def parse_authorization(value):
    match = AUTH_RE.fullmatch(value.strip())
    if not match:
        raise AwsError('IncompleteSignature',
                       'Authorization header must be "AWS4-HMAC-SHA256 Credential=<scope>, '
                       'SignedHeaders=<names>, Signature=<64 hex digits>".')
    scope = match.group(1).split('/')
    if len(scope) != 5 or scope[4] != 'aws4_request' or not re.fullmatch(r'[0-9]{8}', scope[1]):
        raise AwsError('IncompleteSignature',
                       'Credential must have the form <key>/<YYYYMMDD>/<region>/<service>/aws4_request.')
    return ParsedAuth(scope[0], scope[1], scope[2], scope[3], match.group(2).split(';'), match.group(3))


def temporary_credential(access_key):
    """Credential of a temporary key AKIDTEMP... (as issued by fake_credentials.py), else None."""
    if not TEMP_KEY_RE.fullmatch(access_key):
        return None
    return Credential('tempsecret/' + access_key, 'temptoken/' + access_key + '==')


def known_credential(access_key):
    """Credential of a static test key or a temporary key; None when the key is unknown."""
    return CREDENTIALS.get(access_key) or temporary_credential(access_key)


def lookup_credential(access_key):
    credential = known_credential(access_key)
    if credential is None:
        raise AwsError('InvalidClientTokenId', INVALID_TOKEN)
    return credential


def token_matches(credential, token):
    """True when the presented session token (or its absence) is right for the credential."""
    if credential.token is None or token is None:
        return credential.token is None and token is None
    return hmac.compare_digest(token.encode(), credential.token.encode())


def parse_amz_date(value):
    try:
        return datetime.datetime.strptime(value, AMZ_DATE_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except (TypeError, ValueError):
        return None


def check_scope(parsed, error_code, service=DEFAULT_SERVICE):
    """Service and region of a credential scope; raises error_code when wrong."""
    if parsed.service != service:
        raise AwsError(error_code, f"Credential should be scoped to correct service: '{service}'.")
    if not REGION_RE.fullmatch(parsed.region):
        raise AwsError(error_code, f"Credential should be scoped to a valid region, not '{parsed.region}'.")


def botocore_signature(request, access_key, credential, region, timestamp, signer_class, service=DEFAULT_SERVICE):
    """Expected signature of request, computed with botocore's signer at the given X-Amz-Date."""
    signer = signer_class(Credentials(access_key, credential.secret, credential.token), service, region)
    request.context['timestamp'] = timestamp
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    signed_headers = signer.signed_headers(signer.headers_to_sign(request))
    return Computed(signer.signature(string_to_sign, request), canonical, string_to_sign, signed_headers)


def mismatch_message(computed, client_signed_headers):
    """AWS-style SignatureDoesNotMatch text including the canonical request.

    Like AWS, the canonical request shows the x-amz-security-token header with its value: a
    client must not pass this text on unredacted (the rds_copy tests check that it does not).
    The text goes only into the reply, never into this server's log or journal.
    """
    canonical = computed.canonical_request
    message = (f"{SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'{canonical}'"
               f"\n\nThe String-to-Sign should have been\n'{computed.string_to_sign}'\n")
    if computed.signed_headers != client_signed_headers:
        message += (f"\nSignedHeaders given: '{client_signed_headers}'; "
                    f"botocore signs: '{computed.signed_headers}'\n")
    return message


def check_not_expired(access_key, expired_keys_up_to):
    """ExpiredToken for a temporary key whose number is at most expired_keys_up_to, as AWS
    answers a request signed with a session that has ended."""
    if TEMP_KEY_RE.fullmatch(access_key) and access_key[8:].isdigit() \
            and int(access_key[8:]) <= expired_keys_up_to:
        raise AwsError('ExpiredToken', 'The security token included in the request is expired')


def check_clock(amz_date, now, max_skew_seconds):
    skew = abs((now - amz_date).total_seconds())
    if skew > max_skew_seconds:
        raise AwsError('RequestExpired',
                       f'Request has expired: X-Amz-Date {amz_date.strftime(AMZ_DATE_FORMAT)} is more than '
                       f'{max_skew_seconds} seconds from the server time {now.strftime(AMZ_DATE_FORMAT)}.')


def check_signed_header_names(parsed, headers):
    required = {'content-type', 'host', 'x-amz-date'}
    if 'x-amz-security-token' in headers:
        required.add('x-amz-security-token')
    missing = sorted(required - set(parsed.signed_headers))
    if missing:
        raise AwsError('IncompleteSignature', f"SignedHeaders must include: {', '.join(missing)}.")
    for name in ('host', 'x-amz-date'):
        if len(headers.get(name, [])) != 1:
            raise AwsError('IncompleteSignature', f'Exactly one {name} header is required.')


def check_content_sha256(headers, body):
    """botocore (like S3) trusts a signed X-Amz-Content-SHA256 instead of hashing: it must be right."""
    for value in headers.get('x-amz-content-sha256', []):
        if value != hashlib.sha256(body).hexdigest():
            raise AwsError('SignatureDoesNotMatch', 'The provided X-Amz-Content-SHA256 does not match the body.')


def verify_sigv4(method, path, header_pairs, body, now=None, max_skew_seconds=300, service=DEFAULT_SERVICE):
    """Verify the SigV4 Authorization header of a request; return AuthInfo or raise AwsError.

    header_pairs: [(name, value), ...] as received. now=None disables the clock-skew check.
    service: the service the credential scope must name (fake_credentials.py verifies 'sts').
    """
    headers = header_multimap(header_pairs)
    if 'authorization' not in headers:
        raise AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token')
    parsed = parse_authorization(headers['authorization'][0])
    credential = lookup_credential(parsed.access_key)
    check_scope(parsed, 'SignatureDoesNotMatch', service)
    check_signed_header_names(parsed, headers)
    token = headers.get('x-amz-security-token', [None])[0]
    if not token_matches(credential, token):
        raise AwsError('InvalidClientTokenId', INVALID_TOKEN)
    amz_date_text = headers['x-amz-date'][0]
    amz_date = parse_amz_date(amz_date_text)
    if amz_date is None:
        raise AwsError('IncompleteSignature', "X-Amz-Date must have the form YYYYMMDD'T'HHMMSS'Z'.")
    if amz_date_text[:8] != parsed.date:
        raise AwsError('SignatureDoesNotMatch',
                       f'Date in Credential scope does not match YYYYMMDD from X-Amz-Date: {amz_date_text[:8]}.')
    if now is not None:
        check_clock(amz_date, now, max_skew_seconds)
    check_content_sha256(headers, body)
    request = AWSRequest(method=method, url=f"https://{headers['host'][0]}{path}", data=body)
    for name in parsed.signed_headers:
        for value in headers.get(name, []):
            request.headers[name] = value
    computed = botocore_signature(request, parsed.access_key, credential, parsed.region, amz_date_text, SigV4Auth,
                                  service)
    if not hmac.compare_digest(computed.signature, parsed.signature):
        raise AwsError('SignatureDoesNotMatch', mismatch_message(computed, ';'.join(parsed.signed_headers)))
    return AuthInfo(parsed.access_key, parsed.region, parsed.signed_headers)


# ------------------------------------------------------------------------------------------------
# Pre-signed URLs (SigV4 in the query string; RDS calls its parameter PreSignedUrl, hence the texts)

def split_presigned_url(url):
    """PreSignedUrl -> (urlsplit parts, {decoded name: decoded value}); raises on malformed URLs."""
    parts = urlsplit(url)
    if parts.scheme != 'https' or not parts.hostname:
        raise AwsError('InvalidParameterValue', 'PreSignedUrl must be an https:// URL.')
    params = {}
    for item in filter(None, parts.query.split('&')):
        raw_name, _, raw_value = item.partition('=')
        try:
            name, value = unquote(raw_name, errors='strict'), unquote(raw_value, errors='strict')
        except UnicodeDecodeError:
            raise AwsError('InvalidParameterValue', 'PreSignedUrl query is not valid percent-encoded UTF-8.') from None
        if name in params:
            raise AwsError('InvalidParameterValue', f'PreSignedUrl repeats the parameter {name}.')
        params[name] = value
    return parts, params


def check_presign_signature(parts, params, access_key, credential, source_region, service=DEFAULT_SERVICE):
    """The X-Amz-Signature of a pre-signed URL, recomputed with botocore's SigV4QueryAuth."""
    query = [(name, value) for name, value in params.items() if name != 'X-Amz-Signature']
    request = AWSRequest(method='GET', url=f'https://{parts.netloc}{parts.path or "/"}', params=query)
    computed = botocore_signature(request, access_key, credential, source_region, params['X-Amz-Date'],
                                  SigV4QueryAuth, service)
    if not hmac.compare_digest(computed.signature, params['X-Amz-Signature']):
        raise AwsError('InvalidParameterValue', 'PreSignedUrl signature does not match.')


# ------------------------------------------------------------------------------------------------
# Request parameters (Query API form bodies)

def parse_form(body):
    """application/x-www-form-urlencoded body -> {name: value}; rejects repeats and non-XML text."""
    try:
        pairs = parse_qsl(body.decode('utf-8'), keep_blank_values=True, errors='strict')
    except UnicodeDecodeError:
        raise AwsError('InvalidParameterValue', 'The request body is not valid UTF-8.') from None
    params = {}
    for name, value in pairs:
        if name in params:
            raise AwsError('InvalidParameterValue', f'The parameter {name} is given more than once.')
        if XML_INVALID_CHAR_RE.search(name + value):
            raise AwsError('InvalidParameterValue', f'The parameter {name} contains invalid characters.')
        params[name] = value
    return params


def lenient_params(body):
    """Best-effort body parameters, for statistics and /__standin/last of any request."""
    return dict(parse_qsl(body.decode('utf-8', 'replace'), keep_blank_values=True))


def claimed_scope(header_pairs):
    """AuthInfo(access key, region, None) from the Authorization credential scope of a request that
    may then be rejected. The access key is given only when it is a known one (never echo other text).
    """
    for name, value in header_pairs:
        match = name.lower() == 'authorization' and re.search(r'Credential=([^/,\s]*)/[0-9]*/([^/,\s]+)/', value)
        if match:
            access_key = match.group(1) if known_credential(match.group(1)) else None
            return AuthInfo(access_key, match.group(2), None)
    return AuthInfo(None, None, None)


# ------------------------------------------------------------------------------------------------
# Query API XML: replies and ErrorResponse

def response_tree(action, request_id, namespace):
    """(<ActionResponse>, its <ActionResult>) with ResponseMetadata/RequestId filled in."""
    root = ET.Element(f'{action}Response', xmlns=namespace)
    result = ET.SubElement(root, f'{action}Result')
    ET.SubElement(ET.SubElement(root, 'ResponseMetadata'), 'RequestId').text = request_id
    return root, result


def serialize(root):
    ET.indent(root)
    return (ET.tostring(root, encoding='unicode') + '\n').encode('utf-8')


def error_document(code, message, request_id, status, namespace):
    root = ET.Element('ErrorResponse', xmlns=namespace)
    error = ET.SubElement(root, 'Error')
    ET.SubElement(error, 'Type').text = 'Receiver' if status >= 500 else 'Sender'
    ET.SubElement(error, 'Code').text = code
    ET.SubElement(error, 'Message').text = message
    ET.SubElement(root, 'RequestId').text = request_id
    return serialize(root)


@dataclasses.dataclass
class Reply:
    status: int
    body: bytes
    outcome: str = 'ok'
    content_type: str = 'text/xml'
    headers: tuple = ()
    declared_length: int | None = None   # a Content-Length larger than the body, then close (truncation)
    delay: float = 0                     # seconds to wait first, unless the client disconnects
    transport: str | None = None         # how the reply is sent, see BaseHandler.send_reply:
                                         # None, 'reset', 'drip', 'reset-mid-body' or 'chunked'


def error_reply(error, request_id, namespace):
    body = error_document(error.code, error.message, request_id, error.status, namespace)
    return Reply(error.status, body, outcome=error.code)


DRIP_SECONDS = 2
CHUNK_BYTES = 64 * 1024
RESET_GRACE_SECONDS = 0.2   # lets the bytes before a reset leave the socket first


def log(message, name='awsfake'):
    sys.stderr.write(f'{name} {utcnow().strftime("%H:%M:%S")} {message}\n')
    sys.stderr.flush()


class BaseHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 plumbing of every fake: TLS handshake, bodies, replies, delays, resets, drips, chunks."""
    protocol_version = 'HTTP/1.1'
    sys_version = ''
    timeout = 30
    log_name = 'awsfake'

    def setup(self):
        self.request.settimeout(self.timeout)
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()

    def log_request(self, code='-', size='-'):
        """Replaced by the one line per request that the handlers write."""

    def log_message(self, format, *args):
        log(f'{self.client_address[0]} {format % args}', self.log_name)

    def read_body(self, optional=False):
        length = self.headers.get('Content-Length')
        if optional and length is None and not self.headers.get('Transfer-Encoding'):
            return b''
        if length is None or self.headers.get('Transfer-Encoding'):
            self.close_connection = True
            raise AwsError('MissingContentLength', 'A Content-Length header is required.')
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            raise AwsError('RequestEntityTooLarge', f'The body must be at most {MAX_BODY_BYTES} bytes.')
        return self.rfile.read(int(length))

    def check_content_type(self):
        content_type = self.headers.get('Content-Type', '')
        if content_type.split(';')[0].strip().lower() != FORM_CONTENT_TYPE:
            raise AwsError('InvalidParameterValue', f'Content-Type must be {FORM_CONTENT_TYPE}.')

    def send_reply(self, reply, request_id=None):
        """Send reply (with x-amzn-RequestId when request_id is given); False if the client went away
        during a delayed, dripped or chunked reply (or any write failed).

        reply.transport: None sends it plainly; 'reset' sends nothing and resets the connection;
        'drip' sends the body one byte every DRIP_SECONDS; 'reset-mid-body' sends half the body,
        then resets; 'chunked' sends it with Transfer-Encoding: chunked instead of a Content-Length.
        Every transport but None closes the connection afterwards.
        """
        if reply.delay and self.client_left_within(reply.delay):
            self.close_connection = True
            return False
        if reply.transport == 'reset':
            self.reset_connection()
            return True
        self.send_response(reply.status)
        if request_id:
            self.send_header('x-amzn-RequestId', request_id)
        if reply.content_type:
            self.send_header('Content-Type', reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.transport == 'chunked':
            self.send_header('Transfer-Encoding', 'chunked')
        else:
            self.send_header('Content-Length', str(reply.declared_length or len(reply.body)))
        if reply.declared_length or reply.transport:
            self.send_header('Connection', 'close')
            self.close_connection = True
        try:
            self.end_headers()
            if reply.transport == 'drip':
                return self.drip(reply.body)
            if reply.transport == 'chunked':
                return self.send_chunked(reply.body)
            if reply.transport == 'reset-mid-body':
                self.wfile.write(reply.body[:len(reply.body) // 2])
                time.sleep(RESET_GRACE_SECONDS)
                self.reset_connection()
                return True
            self.wfile.write(reply.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            return False
        return True

    def drip(self, body):
        """One byte of body now, then one every DRIP_SECONDS; False as soon as the client leaves."""
        for index in range(len(body)):
            if index and self.client_left_within(DRIP_SECONDS):
                return False
            self.wfile.write(body[index:index + 1])
        return True

    def send_chunked(self, body):
        """body in CHUNK_BYTES chunks, then the last chunk; a write to a client that left fails."""
        for offset in range(0, len(body), CHUNK_BYTES):
            chunk = body[offset:offset + CHUNK_BYTES]
            self.wfile.write(b'%x\r\n%s\r\n' % (len(chunk), chunk))
        self.wfile.write(b'0\r\n\r\n')
        return True

    def reset_connection(self):
        """Abortive close: SO_LINGER 0, then close the descriptor, so the client gets a TCP RST
        (no FIN, no TLS close_notify). socketserver's later shutdown and close find it detached."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        os.close(self.connection.detach())

    def client_left_within(self, seconds):
        """Wait up to seconds; True as soon as the client closes the connection."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(remaining, 0.2))
            if readable and self.peer_closed():
                return True
        return False

    def peer_closed(self):
        self.connection.settimeout(0.05)
        try:
            return self.connection.recv(1) == b''
        except (socket.timeout, ssl.SSLWantReadError):
            return False
        except OSError:
            return True
        finally:
            self.connection.settimeout(self.timeout)

    def send_json(self, status, document):
        body = (json.dumps(document, indent=1) + '\n').encode()
        self.send_reply(Reply(status, body, content_type='application/json'))


class AwsFakeServer(http.server.ThreadingHTTPServer):
    """Threading HTTP(S) server on a loopback address; its handlers find their state in self.standin."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host, port, ssl_context, standin, handler_class):
        """ssl_context None: plain HTTP (fake_credentials.py's IMDS and container servers)."""
        self.address_family = socket.AF_INET6 if ':' in host else socket.AF_INET
        self.ssl_context = ssl_context
        self.standin = standin
        super().__init__((host, port), handler_class)

    def server_bind(self):
        """Bind without HTTPServer's reverse DNS lookup of the address."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = 'localhost', self.server_address[1]

    def get_request(self):
        """Accept; the TLS handshake happens later in the handler thread (BaseHandler.setup)."""
        sock, address = self.socket.accept()
        # one reply is several writes: without this, Nagle and delayed ACKs cost 40 ms a request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is None:
            return sock, address
        return self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        log(f'{client_address[0]} connection error: {type(error).__name__}: {error}',
            self.RequestHandlerClass.log_name)


def loopback_host(value):
    host = '127.0.0.1' if value == 'localhost' else value
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f'{value} is not a loopback address')


def write_ready_file(path, text):
    temporary = f'{path}.tmp{os.getpid()}'
    with open(temporary, 'w', encoding='ascii') as handle:
        handle.write(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def server_tls_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def serve_until_signalled(servers, started):
    """Serve each server in its own thread, call started(), return once SIGTERM or SIGINT arrived."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    for server in servers:
        threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.2}, daemon=True).start()
    started()
    while not stop.wait(0.5):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------------------------------
# Journal and control endpoints

class JsonlJournal:
    """<state_dir>/<name>: one JSON object a line, flushed at once, readable by everyone (0644)."""

    def __init__(self, state_dir, name):
        if not os.path.isdir(state_dir):
            os.makedirs(state_dir)
            os.chmod(state_dir, 0o755)
        self.lock = threading.Lock()
        self.file = open(os.path.join(state_dir, name), 'a', encoding='utf-8')
        os.chmod(self.file.name, 0o644)

    def write(self, entry):
        with self.lock:
            self.file.write(json.dumps(entry) + '\n')
            self.file.flush()

    def truncate(self):
        with self.lock:
            self.file.seek(0)
            self.file.truncate()

    def close(self):
        self.file.close()


def serve_control(handler, method, path, routes, log_prefix=''):
    """Answer one control-endpoint request with JSON.

    routes: {(method, path): function(body, query) -> document}, body the request body (b'' if none),
    query the {name: value} of the query string. ValueError and AwsError -> 400 {"error": ...},
    OSError -> 500, an unknown route -> 404. One log line per request.
    """
    parts = urlsplit(path)
    try:
        body = handler.read_body(optional=True)
        route = routes.get((method, parts.path))
        if route is None:
            status, document = 404, {'error': f'no {method} {path}'}
        else:
            status, document = 200, route(body, dict(parse_qsl(parts.query)))
    except (ValueError, AwsError) as error:
        status, document = 400, {'error': str(error)}
    except OSError as error:
        status, document = 500, {'error': f'{type(error).__name__}: {error}'}
    handler.send_json(status, document)
    log(f'{log_prefix}{handler.client_address[0]} {method} {path} -> {status}', handler.log_name)
    return status


def json_body(body):
    """A control request's JSON body ({} when empty)."""
    return json.loads(body or b'{}')
