"""The commands behind the command line: build, publish (and corrections), status, synth, init,
import. Each orchestrates the layers below it; the CLI (perfsite.cli) only parses and prints."""
