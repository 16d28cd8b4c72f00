# fish completion for dropcat-sim (written by hand; dropcat-sim has six options).
complete -c dropcat-sim -l listen -x -a '127.0.0.1:0 127.0.0.1:8443' -d 'where to listen (loopback only)'
complete -c dropcat-sim -l log -r -F -d 'write one JSON line per request to FILE'
complete -c dropcat-sim -l tls-cert -r -F -d 'serve HTTPS with this certificate (made when absent)'
complete -c dropcat-sim -l tls-key -r -F -d "the certificate's private key"
complete -c dropcat-sim -l check -d 'check the scenario, print a summary and exit'
complete -c dropcat-sim -s h -l help -d 'print help and exit'
complete -c dropcat-sim -l version -d 'print the version and exit'
