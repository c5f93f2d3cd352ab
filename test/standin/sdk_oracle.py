#!/usr/bin/python3
"""sdk_oracle.py -- what botocore resolves, for test/integration/sdk_credentials.sh.

  sdk_oracle.py resolve [--profile P]   (in the server's environment, as its OS user)
      botocore.session.Session() -- Session(profile=P) for rds_copy.profile = P -- resolves its
      credentials (get_frozen_credentials: an assumed role or web identity is fetched now, from
      the fakes on loopback named by the environment; Debian 12's botocore 1.29 reads no
      AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL_SSO, so its STS and SSO clients get those URLs
      passed in) and its region; prints "ACCESS_KEY REGION" ("-" for no region), or
      "ERROR <exception class>" when botocore raises.
  sdk_oracle.py chain JOURNAL ACCESS_KEY
      The key as a chain of the fakes' journal: a key a fake issued becomes what issued it
      ("assume-role(ROLE)<-" + the chain of the signing key, "web-identity(ROLE)", "sso(ROLE)",
      "imds", "container"); any other key is itself.  Two clients that resolved the same way have the
      same chain, although every fetch issues a new key.
"""
import json
import os
import sys


def resolve(argv):
    import botocore.session
    profile = argv[1] if len(argv) > 1 and argv[0] == '--profile' else None
    try:
        session = botocore.session.Session(profile=profile)
        # Debian 12's botocore (1.29) predates AWS_ENDPOINT_URL_STS and _SSO: its credential
        # providers' STS and SSO clients are sent to the fakes here, by the one thing changed in
        # botocore.
        fake_urls = {service: os.environ.get(f'AWS_ENDPOINT_URL_{service.upper()}')
                     for service in ('sts', 'sso')}
        if any(fake_urls.values()):
            create_client = session.create_client

            def create_client_at_fake(service_name, *args, **kwargs):
                if fake_urls.get(service_name):
                    kwargs['endpoint_url'] = fake_urls[service_name]
                return create_client(service_name, *args, **kwargs)
            session.create_client = create_client_at_fake
        credentials = session.get_credentials()
        if credentials is None:
            print('ERROR NoCredentials')
            return
        frozen = credentials.get_frozen_credentials()
        print(frozen.access_key, session.get_config_variable('region') or '-')
    except Exception as e:  # noqa: BLE001 -- the oracle reports any failure as its class
        print('ERROR', type(e).__name__)


def chain(journal, key):
    issued = {}
    with open(journal, encoding='utf-8') as f:
        for line in f:
            entry = json.loads(line)
            if entry.get('issued_akid'):
                issued[entry['issued_akid']] = entry
    parts = []
    for _ in range(10):
        entry = issued.get(key)
        if entry is None:
            parts.append(key)
            break
        if entry['server'] == 'sso':
            parts.append(f"sso({entry['role_arn']})")
            break
        if entry['server'] != 'sts':
            parts.append(entry['server'])
            break
        if entry.get('action') == 'AssumeRoleWithWebIdentity':
            parts.append(f"web-identity({entry['role_arn']})")
            break
        parts.append(f"assume-role({entry['role_arn']})")
        key = entry.get('source_akid')
    print('<-'.join(parts))


if __name__ == '__main__':
    if sys.argv[1] == 'resolve':
        resolve(sys.argv[2:])
    else:
        chain(sys.argv[2], sys.argv[3])
