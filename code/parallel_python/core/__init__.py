"""What every experiment stands on; it imports no part of the book.

``validate`` (input checks), ``config`` (the start method), ``timing`` (the one
timing harness), ``protocol`` (paired rounds, median ratios and their
intervals), ``sanity`` (is a speed-up believable), ``sizing`` (calls long
enough to time), ``ceiling`` (the machine's ceiling before an experiment),
``ceiling_live`` (the same between its rounds), ``meter`` (the disturbance
meter),
``machine`` (what machine this is), ``results`` (results to and from JSON),
``pools`` (process pools that leave no process behind), ``pinning`` (threads
each on a CPU of its own), ``experiment`` (the
shape of a catalogue entry), ``text`` (numbers, times and plurals in
sentences) and ``style`` (the house look of every figure).
"""
