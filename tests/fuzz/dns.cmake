# lib/dns: DNS reply messages, dns_nameservers and the DNS parameter values.
postern_fuzz(dns SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_dns.c LIBS postern_dns)
