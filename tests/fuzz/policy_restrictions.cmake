# Restriction lists and access(5) results of lib/policy (main.cf and table input).
postern_fuzz(policy_restrictions SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_policy_restrictions.c LIBS postern_policy)
