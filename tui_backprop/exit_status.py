"""The exit statuses of ``tui-backprop``, in one place (the README's "What bad input gets")."""

OK = 0  # done
FAILED = 1  # an unexpected failure (a bug): the error is on stderr
BAD_INPUT = 2  # bad input: one line naming the field, file or option and what is allowed
DIVERGED = 3  # the training run diverged
INTERRUPTED = 130  # Ctrl-C (SIGINT); any signal ends with 128 + its number (SIGTERM: 143)
TERMINATED = 143  # SIGTERM
