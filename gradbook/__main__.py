"""``python -m gradbook`` and the ``gradbook`` console script."""

from gradbook import cli


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
