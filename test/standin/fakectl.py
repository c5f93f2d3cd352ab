#!/usr/bin/python3
"""fakectl.py -- POST a JSON body to a control endpoint of the stand-in or a fake.

  fakectl.py URL JSON CA_FILE

Used by the test scripts, also from psql's \\! in the middle of a session (a backend's
credential cache lives only as long as its session). Exits non-zero on any failure.
"""

import ssl
import sys
import urllib.request


def main():
    url, body, ca_file = sys.argv[1:4]
    request = urllib.request.Request(url, data=body.encode(), method='POST')
    context = ssl.create_default_context(cafile=ca_file)
    urllib.request.urlopen(request, context=context, timeout=10).read()


if __name__ == '__main__':
    main()
