"""What reaches people: in-app notifications and the e-mail outbox that carries them."""
