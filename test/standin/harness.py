#!/usr/bin/python3
"""harness.py -- what the self-tests of the loopback AWS fakes share (selftest.py, selftest_credentials.py).

Not a test of its own. What lives here:
  * the test credentials (they match awsfake.CREDENTIALS and awsfake.temporary_credential) and SECRETS,
    the strings that must never show up in a log or journal
  * launch / terminate: start a server script that writes a ready file, stop it with SIGTERM
  * Env (ENV): a temp dir, certificates made by make_certs.sh, the RDS stand-in on a free port, its log
  * helpers: botocore RDS clients, frozen_time (botocore's signers at a fixed time, the pure-Python
    and, when botocore uses it, the CRT signer), TLS contexts, raw HTTPS exchanges, hand-made signed
    requests (botocore's SigV4Auth), the stand-in's /__standin/ control API and journal
  * clean_environment, Suite (test registration) and run: tests in order, timing, and the final line
    "N passed, M failed"; run returns the exit status (1 if any test failed)
Nothing but loopback is contacted.
"""

import contextlib
import datetime
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import types
from unittest import mock
from urllib.parse import urlencode

import botocore.compat
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))

SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
SESSION_SECRET = 'sessionsecret/EXAMPLE+KEY'
SESSION_TOKEN = 'FAKESESSIONTOKEN/abc+def=='
OTHER_SECRET = 'otherSecretKeyEXAMPLE'
TEMP_KEY = 'AKIDTEMP0000CAFE'
TEMP_SECRET, TEMP_TOKEN = 'tempsecret/' + TEMP_KEY, 'temptoken/' + TEMP_KEY + '=='
SECRETS = (SECRET, SESSION_SECRET, SESSION_TOKEN, OTHER_SECRET, TEMP_SECRET, TEMP_TOKEN)
FORM = 'application/x-www-form-urlencoded; charset=utf-8'


# ------------------------------------------------------------------------------------------------
# Environment: certificates and a running stand-in

def launch(argv, ready, log_path):
    """Start a server script that writes the file ready once listening -> (process, text of ready)."""
    with open(log_path, 'w') as log:
        process = subprocess.Popen([sys.executable] + argv + ['--ready-file', ready],
                                   stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 10
    while not os.path.exists(ready):
        assert process.poll() is None and time.monotonic() < deadline, f'{argv[0]} did not start'
        time.sleep(0.05)
    with open(ready) as handle:
        return process, handle.read()


def terminate(process):
    """SIGTERM a running process -> its exit status (None if it was not running)."""
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        return process.wait(10)
    return None


class Env:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix='rds-standin-selftest-')
        self.certs = os.path.join(self.tmp, 'certs')
        self.state = os.path.join(self.tmp, 'state')
        self.log_path = os.path.join(self.tmp, 'standin.log')
        self.ca = os.path.join(self.certs, 'ca.crt')
        self.process = None
        self.port = None
        self.blackhole = None   # port of a black hole left open for the SIGTERM test

    def make_certs(self):
        subprocess.run(['sh', os.path.join(HERE, 'make_certs.sh'), self.certs], check=True)

    def start(self):
        self.process, ready = launch(
            [os.path.join(HERE, 'rds_standin.py'), '--port', '0', '--cert', os.path.join(self.certs, 'server.crt'),
             '--key', os.path.join(self.certs, 'server.key'), '--state-dir', self.state],
            os.path.join(self.tmp, 'ready'), self.log_path)
        self.port = int(ready)

    def log(self):
        with open(self.log_path) as handle:
            return handle.read()

    def stop(self):
        return terminate(self.process)

    @property
    def url(self):
        return f'https://127.0.0.1:{self.port}'


ENV = Env()


# ------------------------------------------------------------------------------------------------
# Helpers

def client(access_key='AKIDEXAMPLE', secret=SECRET, token=None, region='us-east-1'):
    return botocore.session.get_session().create_client(
        'rds', region_name=region, endpoint_url=ENV.url, verify=ENV.ca,
        aws_access_key_id=access_key, aws_secret_access_key=secret, aws_session_token=token,
        config=Config(retries={'total_max_attempts': 1}, connect_timeout=5, read_timeout=10))


def expect_client_error(call, code, status, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        got = (error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode'])
        assert got == (code, status), f'expected {code}/{status}, got {got}: {error}'
        return error.response['Error']['Message']
    raise AssertionError(f'expected {code}, call succeeded')


@contextlib.contextmanager
def frozen_time(moment):
    """Make botocore's signers use moment (naive UTC) instead of the clock."""
    if moment is None:
        yield
        return

    class Frozen(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return moment
    frozen = types.SimpleNamespace(datetime=Frozen, timezone=datetime.timezone)
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch('botocore.auth.datetime', frozen))
        # botocore signs with its CRT signer instead when awscrt is installed
        # (botocore.compat.HAS_CRT; Debian's awscli brings python3-awscrt).
        # botocore.crt.auth imports awscrt, so it exists only then.
        if botocore.compat.HAS_CRT:
            stack.enter_context(mock.patch('botocore.crt.auth.datetime', frozen))
        yield


def tls_context(ca=None):
    return ssl.create_default_context(cafile=ca or ENV.ca)


def exchange(connection, method, path, body=b'', headers=None):
    """One request on a fresh http.client connection -> (status, {lowercase header: value}, body)."""
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def https(method, path, body=b'', headers=None, timeout=10):
    connection = http.client.HTTPSConnection('127.0.0.1', ENV.port, context=tls_context(), timeout=timeout)
    return exchange(connection, method, path, body, headers)


def signed_request(params, access_key='AKIDEXAMPLE', secret=SECRET, token=None, region='us-east-1',
                   service='rds', when=None, headers=None, endpoint=None):
    """POST / to endpoint (default: the stand-in), signed with botocore's SigV4Auth."""
    body = params if isinstance(params, str) else urlencode(params)
    headers = {'Content-Type': FORM} if headers is None else headers
    request = AWSRequest('POST', (endpoint or ENV.url) + '/', data=body.encode(), headers=headers)
    with frozen_time(when):
        SigV4Auth(Credentials(access_key, secret, token), service, region).add_auth(request)
    return request


def send(request, extra_headers=None, timeout=10):
    prepared = request.prepare()
    headers = dict(prepared.headers, **(extra_headers or {}))
    return https('POST', '/', prepared.body, headers, timeout)


def rds(params, **kwargs):
    """Signed raw RDS request -> (status, headers, body)."""
    return send(signed_request(params, **kwargs))


def control(method, name, payload=None):
    body = json.dumps(payload).encode() if payload is not None else b''
    status, _, reply = https(method, '/__standin/' + name, body, {'Content-Type': 'application/json'})
    return status, json.loads(reply)


def reset():
    assert control('POST', 'reset') == (200, {'reset': True})


def stats():
    return control('GET', 'stats')[1]


def journal_lines():
    with open(os.path.join(ENV.state, 'journal.jsonl')) as handle:
        return [json.loads(line) for line in handle]



def clean_environment():
    """No credentials, profile, container or IMDS access from the caller's environment."""
    os.environ['AWS_EC2_METADATA_DISABLED'] = 'true'
    for name in ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
                 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
                 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'):
        os.environ.pop(name, None)


class Suite:
    """Tests registered in order with the @suite.test decorator, run by suite.run(stop)."""

    def __init__(self):
        self.tests = []

    def test(self, function):
        self.tests.append(function)
        return function

    def run(self, stop):
        return run(self.tests, stop)


def run(tests, stop):
    """Run tests in order, then stop() and remove ENV.tmp; the last line printed is "N passed, M failed".

    Returns the exit status: 1 if any test failed.
    """
    passed = failed = 0
    started = time.monotonic()
    try:
        for function in tests:
            try:
                function()
            except Exception:
                failed += 1
                print(f'FAIL {function.__name__}')
                traceback.print_exc()
            else:
                passed += 1
                print(f'ok   {function.__name__}')
    finally:
        stop()
        subprocess.run(['rm', '-rf', ENV.tmp], check=False)
    print(f'({time.monotonic() - started:.1f}s)')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0
