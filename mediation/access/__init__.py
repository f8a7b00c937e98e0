"""Who may act: the policy (roles, masking), sign-in and sessions."""
