"""A fixed number of verifications of one document in this process, for instruction counts
under callgrind: the difference of two runs' totals (N and M calls) divided by N - M is the
cost of one call, start-up apart.

Usage: python calls.py DOCUMENT ROOT.pem INT.pem AT CALLS {verify|batch_record}
"""

import sys

import yinjian


def main() -> None:
    document, root, int_, at, calls, what = sys.argv[1:7]
    data = open(document, "rb").read()
    verifier = yinjian.Verifier(yinjian.TrustStore(root), at=at, intermediates=[int_], revocation_required=False)
    call = verifier.verify if what == "verify" else lambda d: verifier.batch_record("doc.ofd", d)
    for _ in range(int(calls)):
        call(data)


if __name__ == "__main__":
    main()
