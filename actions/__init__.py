"""Custom Rasa actions (rasa-sdk), run by the action server in the app environment.

Every reply is sent as a JSON payload (``dispatcher.utter_message(json_message=...)``)
with the fields of the chat API's reply contract; see ``actions.compose``.
"""
