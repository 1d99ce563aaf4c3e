"""What the web app publishes: nothing. Every change it makes is a service's, made through its API."""
